"""An agent creates a link in the admin of a real daphne; a customer in a second browser accepts it."""

from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from magiclinks.models import ConsentDecision, MagicLink
from sessions import credentials
from sessions.models import RecordingSession, SessionState
from tests.helpers.browser import make_driver
from tests.helpers.processes import daphne
from tests.magiclinks.factories import make_agent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.processes]


def wait(driver, timeout: float = 10) -> WebDriverWait:
    return WebDriverWait(driver, timeout, poll_frequency=0.05)


def create_link_in_admin(driver, base: str, target: str) -> str:
    driver.get(f"{base}/admin/login/?next=/admin/magiclinks/magiclink/add/")
    driver.find_element(By.NAME, "username").send_keys("agent")
    driver.find_element(By.NAME, "password").send_keys("pw-agent-1")
    driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait(driver).until(ec.presence_of_element_located((By.NAME, "target_url")))
    driver.find_element(By.NAME, "customer_name").send_keys("Dana Ruiz")
    driver.find_element(By.NAME, "ticket_ref").send_keys("HD-4821")
    driver.find_element(By.NAME, "target_url").send_keys(target)
    driver.find_element(By.NAME, "note").send_keys("Please show me the checkout error.")
    driver.find_element(By.NAME, "_save").click()
    copy = wait(driver).until(ec.element_to_be_clickable((By.ID, "sr-copy")))
    copy.click()
    wait(driver).until(ec.text_to_be_present_in_element((By.ID, "sr-copy"), "Copied"))
    return driver.find_element(By.ID, "sr-link-url").get_attribute("value")


def test_agent_creates_a_link_and_the_customer_lands_on_the_target_with_a_credential(redis_db):
    make_agent("agent", first_name="Maya", last_name="Lindqvist")
    agent_browser = customer_browser = None
    with daphne() as server:
        # Another origin than the support server's (localhost vs 127.0.0.1): the consent page's CSP
        # must let the form's redirect go there. /healthz is a page without the recorder loader, which
        # would strip the fragment before we could read it.
        port = urlsplit(server.url).port
        target = f"http://localhost:{port}/healthz"
        try:
            agent_browser = make_driver()
            url = create_link_in_admin(agent_browser, server.url, target)
            assert url.startswith(f"{server.url}/l/")
            token = url.rsplit("/", 1)[1]
            assert MagicLink.objects.get().token_last4 == token[-4:]

            customer_browser = make_driver(width=420, height=900)
            customer_browser.get(url)
            accept = wait(customer_browser).until(ec.element_to_be_clickable((By.ID, "accept")))
            # The customer sees who asks by display name, never by username.
            assert "Maya Lindqvist" in customer_browser.find_element(By.CLASS_NAME, "lede").text
            assert "agent" not in customer_browser.find_element(By.TAG_NAME, "h1").text
            accept.click()
            wait(customer_browser).until(lambda d: "#sr=" in d.current_url)
            landed = urlsplit(customer_browser.current_url)
        finally:
            for driver in (agent_browser, customer_browser):
                if driver is not None:
                    driver.quit()
        log = server.log()

    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == target
    session = RecordingSession.objects.get()
    assert credentials.verify(landed.fragment.removeprefix("sr=")) == session.id
    assert session.state == SessionState.LIVE
    assert session.consent.decision == ConsentDecision.ACCEPTED
    assert "Chrome" in session.consent.user_agent
    # Whatever daphne and Django logged (the helper discards daphne's access log; its redaction is
    # tested in tests/magiclinks/test_no_raw_tokens.py), the token is not in it.
    assert "Listening on TCP address" in log
    assert token not in log
