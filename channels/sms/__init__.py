"""SMS channel on twilio (credentials.yml key: `channels.sms.SmsInput`)."""

from channels.sms.input import SmsInput
from channels.sms.output import SmsOutput
from channels.sms.settings import SmsSettings

__all__ = ["SmsInput", "SmsOutput", "SmsSettings"]
