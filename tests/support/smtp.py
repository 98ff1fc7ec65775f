"""A real SMTP server (aiosmtpd) on a spare loopback port, for tests that send through Django's SMTP backend."""

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


def spare_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: keeps every accepted message; ``fail_next`` refuses that many first with 451."""

    def __init__(self):
        self.messages = []
        self.fail_next = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.fail_next:
            self.fail_next -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.recipients = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m.recipients]

    def clear(self):
        self.messages.clear()


def text_of(message, subtype="plain"):
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


class SmtpServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = spare_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def subject_of(message):
    """The decoded subject (Python folds a long encoded one onto the next line, leaving a leading space)."""
    return str(message["Subject"]).strip()
