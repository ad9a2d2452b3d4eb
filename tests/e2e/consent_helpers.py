"""The customer's way in, as the e2e tests take it: open the magic link, accept, wait for the banner."""

from __future__ import annotations

from magiclinks import services as links
from sessions.models import RecordingSession
from tests.e2e.conftest import banner_text, click, wait_for


def accept_link(
    driver, created: links.CreatedLink, support_url: str, timeout: float = 15
) -> RecordingSession:
    """Open `created`'s link in `driver`, press Accept, wait until the recorder's banner says it records;
    returns the link's recording session."""
    driver.get(links.link_url(created.token, support_url))
    click(driver, "accept")
    wait_for(
        lambda: "Sharing this tab with" in banner_text(driver),
        timeout=timeout,
        message="recording after consent",
    )
    return RecordingSession.objects.get(link=created.link)


def accept_demo_link(driver, agent, support_url: str) -> tuple[links.CreatedLink, RecordingSession]:
    """A link of `agent` to the support server's demo shop (local mode), accepted in `driver`."""
    created = links.create_link(
        agent, target_url=f"{support_url}/demo/", site_origin=support_url, customer_name="Dana"
    )
    return created, accept_link(driver, created, support_url)
