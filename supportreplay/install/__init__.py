"""The "Install on your site" page: the loader snippet, the CSP it needs, and a live check of a URL."""
