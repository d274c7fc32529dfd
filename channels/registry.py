"""Output channels by conversation id, for sending outside a webhook request (e.g. the handoff desk).

    registry = ChannelRegistry.from_env()          # once, at start-up
    await registry.output_channel_for("sms:+15551234567").send_text_message("sms:+15551234567", "Hi")
"""

from __future__ import annotations

import os
from typing import Dict, Mapping, Optional, Tuple, Type

from rasa.core.channels.channel import OutputChannel

from channels.platform_input import PlatformInput
from channels.runtime import ChannelRuntime
from channels.slack import SlackInput
from channels.sms import SmsInput
from channels.telegram import TelegramInput


PLATFORMS: Tuple[Type[PlatformInput], ...] = (TelegramInput, SlackInput, SmsInput)


class UnknownChannel(LookupError):
    """No configured channel serves this conversation id."""


class ChannelRegistry:
    """The configured platforms' output channels; conversation ids are "<channel>:<platform id>"."""

    def __init__(self, inputs: Mapping[str, PlatformInput], runtime: ChannelRuntime) -> None:
        """Serve the output channels of `inputs` (keyed by channel name)."""
        self._inputs = dict(inputs)
        self._runtime = runtime

    @classmethod
    def from_env(
        cls, env: Optional[Mapping[str, str]] = None, runtime: Optional[ChannelRuntime] = None
    ) -> "ChannelRegistry":
        """Every platform with any of its variables set (a partly configured one is an error)."""
        env = os.environ if env is None else env
        runtime = runtime or ChannelRuntime.start(env)
        inputs: Dict[str, PlatformInput] = {}
        for input_type in PLATFORMS:
            variables = input_type.SETTINGS.ENV_VARS.values()
            if any(env.get(variable, "").strip() for variable in variables):
                inputs[input_type.CHANNEL] = input_type(input_type.SETTINGS.from_env(env), runtime)
        return cls(inputs, runtime)

    @property
    def runtime(self) -> ChannelRuntime:
        """The shared stores (e.g. to read `failures.recent()`)."""
        return self._runtime

    @property
    def channels(self) -> Tuple[str, ...]:
        """Names of the configured channels."""
        return tuple(self._inputs)

    def output_channel_for(self, sender_id: str) -> OutputChannel:
        """The output channel for conversation `sender_id` (e.g. "telegram:42", "sms:+1555…")."""
        name = sender_id.partition(":")[0]
        if name not in self._inputs:
            configured = ", ".join(self._inputs) or "none"
            raise UnknownChannel(
                f"No configured channel for conversation {name!r}:… (configured: {configured}). "
                "Set that platform's variables from .env.example."
            )
        return self._inputs[name].get_output_channel()

    async def send_text(self, sender_id: str, text: str) -> None:
        """Send `text` to the customer behind `sender_id` on their own channel."""
        await self.output_channel_for(sender_id).send_text_message(sender_id, text)

    async def close(self) -> None:
        """Close every channel's connections and the shared stores."""
        for channel in self._inputs.values():
            await channel.get_output_channel().close()
        await self._runtime.close()
