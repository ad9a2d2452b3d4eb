"""Names of the roles every app agrees on (magiclinks makes agents, recordings gives them permissions)."""

# The group that makes a staff user a support agent (its permissions: sessions/agent_group.py).
AGENT_GROUP_NAME = "Support agent"
