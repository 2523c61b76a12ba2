"""Waiting for chromium to leave a page, in one place for every browser test.

Selenium's ``staleness_of`` catches only ``StaleElementReferenceException``; while a form posts
and the next page replaces the document, chromium may instead answer "Node with given id does
not belong to the document" (a plain ``WebDriverException``). Both mean the page has gone, so
the wait retries on either rather than failing a test on the timing of a navigation.
"""

from __future__ import annotations

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def click_and_wait_for_next_page(driver, element, timeout: float = 30) -> None:
    """Click ``element`` (a submit button or link) and wait until its page has been replaced."""
    try:
        element.click()
    except WebDriverException:  # the page may already be leaving: chromium reports the node gone
        pass
    WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,)).until(EC.staleness_of(element))
