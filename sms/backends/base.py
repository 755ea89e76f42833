"""What every SMS provider offers: send one message, and read its delivery reports."""

from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class SendResult:
    """The provider took the message: its id there and what it said about it."""

    provider_id: str
    provider_status: str = ""
    error_code: str = ""
    error: str = ""


class SendFailed(Exception):
    """The provider did not take the message.

    ``permanent``: sending again cannot help (a 4xx: bad number, refused content).
    Otherwise it may work later; ``retry_after`` is the provider's own wait in seconds."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        permanent: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass(frozen=True)
class DeliveryReport:
    """A provider's word on one message, already verified."""

    provider_id: str
    provider_status: str
    error_code: str = ""
    error: str = ""
    # Our message id, when the provider echoes it back signed (Twilio's callback URL carries
    # it): finds the message even if the report overtakes the answer to our send request.
    reference: int | None = None


class BadSignature(Exception):
    """The report is not signed by the provider (403)."""


class BadReport(Exception):
    """The report is signed but not understood (400)."""


class SmsBackend:
    """A provider. Subclasses set ``name`` and implement ``send``; ``map_status`` turns the
    provider's status words into ours."""

    name = ""
    # Whether the provider calls us back with delivery reports.
    reports_delivery = False

    def send(self, *, to: str, text: str, reference: int) -> SendResult:
        raise NotImplementedError

    @classmethod
    def map_status(cls, provider_status: str) -> str:
        raise NotImplementedError

    @classmethod
    def parse_report(cls, request: HttpRequest, body: bytes) -> DeliveryReport:
        raise NotImplementedError
