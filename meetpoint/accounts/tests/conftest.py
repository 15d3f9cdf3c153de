import socket
from email import message_from_bytes, policy

import pytest


class Mailbox:
    """What a real SMTP server started by the test received, as parsed messages."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's handler hook
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def wait_for(self, count: int, seconds: float = 10.0):
        import time

        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, (
            f"the SMTP server received {len(self.messages)} of {count} messages"
        )
        return self.messages[count - 1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """An SMTP server (aiosmtpd) on a free local port, and Meetpoint configured to send through it."""
    controller_module = pytest.importorskip(
        "aiosmtpd.controller", reason="the SMTP test needs aiosmtpd (dev extra)"
    )
    mailbox = Mailbox()
    port = _free_port()
    controller = controller_module.Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield mailbox
    finally:
        controller.stop()
