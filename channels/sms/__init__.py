"""SMS channel on twilio (credentials.yml key: `channels.sms.SmsInput`).

May import: the bot core and the rest of channels."""

from channels.sms.input import SmsInput
from channels.sms.output import SmsOutput
from channels.sms.settings import SmsSettings

__all__ = ["SmsInput", "SmsOutput", "SmsSettings"]
