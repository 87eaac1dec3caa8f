"""Browser tests: Playwright driving Debian's headless Chromium against pytest-django's live server."""

CHROMIUM = "/usr/bin/chromium"
