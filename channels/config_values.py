"""Reading channel configuration values: required secrets fail fast, numbers are checked."""

from __future__ import annotations

from typing import Any, ClassVar, Dict, Mapping, Optional, Tuple

from rasa.shared.exceptions import RasaException


class ChannelConfigError(RasaException):
    """A channel setting is missing or malformed; the message names it and says how to fix it."""


class SettingsFromEnv:
    """Mixin for platform settings: `from_env` fills the credentials keys from ENV_VARS."""

    ENV_VARS: ClassVar[Dict[str, str]] = {}

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Mapping[str, Any]], env: Mapping[str, str]
    ) -> Any:
        """Build from a credentials.yml block (implemented by each platform)."""
        raise NotImplementedError

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Any:
        """The same settings taken straight from environment variables (outside Rasa)."""
        return cls.from_credentials({key: env.get(var) for key, var in cls.ENV_VARS.items()}, env)


def required_secret(
    credentials: Optional[Mapping[str, Any]], key: str, channel: str, env_var: str
) -> str:
    """Return a non-empty secret from the credentials block or explain how to provide it."""
    value = (credentials or {}).get(key)
    if value is None or not str(value).strip():
        raise ChannelConfigError(
            f"The {channel} channel needs '{key}' but it is missing or empty. "
            f"Set {env_var} in the environment (see .env.example) and reference it in "
            f"credentials.yml as `{key}: ${{{env_var}}}`, or leave the {channel} channel out."
        )
    return str(value).strip()


def optional_value(
    credentials: Optional[Mapping[str, Any]],
    key: str,
    env: Mapping[str, str],
    env_var: str,
    default: str,
) -> str:
    """A setting from the credentials block, else the environment, else `default`."""
    value = (credentials or {}).get(key)
    if value is None or str(value).strip() == "":
        value = env.get(env_var, "")
    text = str(value).strip()
    return text if text else default


def positive_number(value: Any, name: str, allow_zero: bool = False) -> float:
    """Parse a number that must be > 0 (or >= 0) or raise an error naming the setting."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ChannelConfigError(f"{name} must be a number, got {value!r}.") from None
    if number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ChannelConfigError(f"{name} must be {bound}, got {number}.")
    return number


def env_number(env: Mapping[str, str], name: str, default: float, allow_zero: bool = False) -> float:
    """A positive number from the environment variable `name`, or `default` when unset."""
    raw = env.get(name, "")
    if raw.strip() == "":
        return default
    return positive_number(raw, name, allow_zero=allow_zero)


def pacing(
    credentials: Optional[Mapping[str, Any]], env: Mapping[str, str], prefix: str
) -> Tuple[float, int]:
    """Messages per second per chat and burst size, from `pace_*` keys or `<PREFIX>_PACE_*` variables."""
    rate = optional_value(credentials, "pace_per_second", env, f"{prefix}_PACE_PER_SECOND", "1")
    burst = optional_value(credentials, "pace_burst", env, f"{prefix}_PACE_BURST", "3")
    return (
        positive_number(rate, f"{prefix}_PACE_PER_SECOND"),
        int(positive_number(burst, f"{prefix}_PACE_BURST")),
    )
