"""Order look-ups behind one small interface, so the shop's real system can replace the file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Protocol, Sequence, Tuple

import yaml


@dataclass(frozen=True)
class Order:
    """What the assistant may tell a customer about an order."""

    id: str
    status: str
    items: Tuple[str, ...]
    placed: str
    eta: Optional[str] = None
    delivered: Optional[str] = None
    carrier: Optional[str] = None
    tracking: Optional[str] = None
    refund: Optional[str] = None
    note: Optional[str] = None

    @property
    def can_be_cancelled(self) -> bool:
        """Orders can be cancelled free until they ship."""
        return self.status == "processing"

    def describe(self, today: Optional[date] = None) -> str:
        """The order's status in one or two plain sentences; an estimate before `today` is called late.

        A customer told "should arrive by" a date already gone would think the bot broken or the
        shop hiding something: the answer says the order is late and how to get it chased.
        """
        items = ", ".join(self.items)
        if self.status == "processing":
            text = f"Order {self.id} ({items}) is being packed and should arrive by {self.eta}."
        elif self.status == "shipped":
            text = f"Order {self.id} ({items}) is on its way with {self.carrier}, arriving by {self.eta}."
        elif self.status == "out_for_delivery":
            text = f"Order {self.id} ({items}) is out for delivery with {self.carrier}: {self.eta}."
        elif self.status == "delivered":
            text = f"Order {self.id} ({items}) was delivered on {self.delivered}."
        elif self.status == "delayed":
            text = (
                f"Order {self.id} ({items}) is running late: {self.note or 'the carrier is behind'}. "
                f"The new estimate is {self.eta}. Sorry about that."
            )
        elif self.status == "cancelled":
            text = f"Order {self.id} ({items}) was cancelled. Refund: {self.refund or 'in progress'}."
        else:
            text = f"Order {self.id} ({items}) has status '{self.status}'."
        if self.tracking and self.status in ("shipped", "delayed", "out_for_delivery"):
            text += f" Tracking number: {self.tracking}."
        if self.is_overdue(today):
            lapse = "That new date has passed too" if self.status == "delayed" else "That date has passed, so it is late"
            text += f" {lapse}, sorry. Say \"talk to a person\" and someone from our team will chase it for you."
        return text

    def is_overdue(self, today: Optional[date]) -> bool:
        """Whether an order still on its way has an estimated date (YYYY-MM-DD) before `today`."""
        if today is None or self.eta is None or self.status not in ("processing", "shipped", "delayed"):
            return False
        try:
            return date.fromisoformat(self.eta) < today
        except ValueError:
            return False


_NOT_RECEIVED = re.compile(
    r"(?:\bnever|\bnot|n't|\bdidnt|\bhavent|\bhasnt)\s+(?:\w+\s+){0,2}?"
    r"(?:get|got|gotten|received?|arrived?|came|come|turned up|seen|here)\b|\bnowhere to be (?:found|seen)\b",
    re.IGNORECASE,
)


def says_not_received(text: str) -> bool:
    """Whether the customer says an order did not reach them ("says delivered but I never got it")."""
    return bool(_NOT_RECEIVED.search(text))


def not_received_answer(order: Order) -> str:
    """A delivered order the customer says they never got: no repeating "delivered", a person to trace it now."""
    return (
        f"Order {order.id} ({', '.join(order.items)}) shows as delivered on {order.delivered}, but if it didn't reach "
        "you, that's ours to sort out, not yours. Say \"talk to a person\" and someone from our team will trace it "
        f"with {order.carrier or 'the carrier'} and send a replacement or refund it."
    )


RETURN_WINDOW_DAYS = 30  # data/shop/policies.yml, returns: "within 30 days of delivery"


def refund_answer(order: Order, today: Optional[date]) -> Optional[str]:
    """What a refund means for this order now, in plain words; None when only the general steps apply.

    An order not yet shipped needs no return (it is cancelled free); a delivered one says until
    when the free return runs, or that it has ended and what is still possible.
    """
    if order.refund:
        return f"The refund for order {order.id}: {order.refund}."
    if order.can_be_cancelled:
        return (
            f"Order {order.id} hasn't shipped yet, so there's nothing to return: cancel it free under Orders > "
            "Cancel in your account and the refund goes back to your card within 2 working days. Or say "
            "\"talk to a person\" and we'll cancel it for you."
        )
    if order.status == "delivered" and order.delivered:
        return _delivered_refund_answer(order, today)
    if order.status in ("shipped", "out_for_delivery", "delayed"):
        return (
            f"Order {order.id} is on its way. Once it arrives you can return it free within {RETURN_WINDOW_DAYS} days "
            "for a full refund (Orders > Return in your account)."
        )
    return None


def _delivered_refund_answer(order: Order, today: Optional[date]) -> Optional[str]:
    """The return window of a delivered order: open until a date, or closed with what is left."""
    try:
        delivered = date.fromisoformat(str(order.delivered))
    except ValueError:
        return None
    last_day = delivered + timedelta(days=RETURN_WINDOW_DAYS)
    if today is None or today <= last_day:
        return (
            f"Order {order.id} was delivered on {delivered}, so you can return it free until {last_day} for a "
            "full refund: Orders > Return in your account gives you the prepaid label."
        )
    return (
        f"Order {order.id} was delivered on {delivered}, so the free {RETURN_WINDOW_DAYS}-day return ended on "
        f"{last_day}. If it's faulty it is still under warranty: say \"talk to a person\" and we'll sort it out now."
    )


class OrderBook(Protocol):
    """Anything that can find an order by the id a customer typed."""

    def find(self, order_id: str) -> Optional[Order]:
        """The order, or None when no order has that id."""


ORDER_ID_SHAPE = re.compile(r"^(?:[A-Z]{1,4}-?)?\d{4,20}$")


def normalise_order_id(raw: str) -> str:
    """Canonical form: upper case, no '#', spaces or surrounding punctuation."""
    return re.sub(r"[\s#]", "", raw).strip(".,!?;:()").upper()


def looks_like_order_id(raw: str) -> bool:
    """Whether text has the shape of one of our order ids (digits, optional letter prefix)."""
    return bool(ORDER_ID_SHAPE.match(normalise_order_id(raw)))


class YamlOrderBook:
    """Orders from `data/shop/orders.yml`: the stand-in for the shop's order system."""

    def __init__(self, orders: Dict[str, Order]) -> None:
        """Index orders by their id without dashes so `A10442` finds `A-10442`."""
        self._orders = {_key(order_id): order for order_id, order in orders.items()}

    @classmethod
    def from_yaml(cls, path: Path) -> "YamlOrderBook":
        """Load the orders file."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        orders = {}
        for item in raw.get("orders", []):
            fields = {k: v for k, v in item.items() if k in Order.__dataclass_fields__}
            fields["id"] = str(item["id"])
            fields["items"] = tuple(item.get("items", []))
            fields["placed"] = str(item.get("placed", ""))
            orders[fields["id"]] = Order(**fields)
        return cls(orders)

    def find(self, order_id: str) -> Optional[Order]:
        """The order with this id, ignoring case, '#', spaces and dashes."""
        return self._orders.get(_key(order_id))


def _key(order_id: str) -> str:
    """Lookup key: canonical id without dashes."""
    return normalise_order_id(order_id).replace("-", "")


_ORDER_ID_IN_TEXT = re.compile(r"(?<![\w-])#?((?:[A-Za-z]{1,4}-?)?\d{4,20})(?![\w-])")


def find_order_id_in_text(text: str) -> Optional[str]:
    """The first order-id-shaped token in free text (e.g. "order #55213 pls" → "55213")."""
    match = _ORDER_ID_IN_TEXT.search(text)
    return normalise_order_id(match.group(1)) if match else None


# a letter prefix typed apart from its digits: "order A 10977", "ord 7781" (also "MY ORDER IS 55213")
_SPACED_PREFIX_ID = re.compile(r"(?<![\w-])#?([A-Za-z]{1,4}) (\d{4,20})(?![\w-])")


def order_id_candidates(entity_values: Iterable[str], text: str) -> List[str]:
    """The order ids a message may mean, most likely first: recognised entities, the first
    id-shaped token, then each prefix typed apart from its digits joined to them.

    A spaced prefix is ambiguous ("A 10977" is an id, "IS 55213" is not), so callers keep the
    first candidate their order book knows (`first_known_order_id`).
    """
    candidates = [normalise_order_id(str(value)) for value in entity_values if looks_like_order_id(str(value))]
    in_text = find_order_id_in_text(text)
    if in_text is not None:
        candidates.append(in_text)
    candidates += [normalise_order_id(prefix + digits) for prefix, digits in _SPACED_PREFIX_ID.findall(text)]
    return list(dict.fromkeys(candidates))


def first_known_order_id(candidates: Sequence[str], orders: OrderBook) -> Optional[str]:
    """The first candidate `orders` knows, else the first candidate (to say it is unknown), else None."""
    for candidate in candidates:
        if orders.find(candidate) is not None:
            return candidate
    return candidates[0] if candidates else None
