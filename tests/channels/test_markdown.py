"""Markdown rendered per platform: Telegram HTML, Slack mrkdwn, SMS plain text."""

from __future__ import annotations

from channels.markdown import to_plain_text, to_slack_mrkdwn, to_telegram_html

SOURCE = "Order **#A-10442** is _on its way_: [track it](https://shop.example/t?a=1&b=2) <today> & `code`"


def test_telegram_html_escapes_and_tags():
    assert to_telegram_html(SOURCE) == (
        'Order <b>#A-10442</b> is <i>on its way</i>: '
        '<a href="https://shop.example/t?a=1&amp;b=2">track it</a> &lt;today&gt; &amp; <code>code</code>'
    )


def test_slack_mrkdwn_uses_its_own_markers_and_escapes():
    assert to_slack_mrkdwn(SOURCE) == (
        "Order *#A-10442* is _on its way_: <https://shop.example/t?a=1&b=2|track it> &lt;today&gt; &amp; `code`"
    )


def test_sms_plain_text_drops_markers_and_writes_links_out():
    assert to_plain_text(SOURCE) == (
        "Order #A-10442 is on its way: track it (https://shop.example/t?a=1&b=2) <today> & code"
    )
    assert to_plain_text("Mail [support@brightway.example](mailto:support@brightway.example)") == (
        "Mail support@brightway.example"
    )


def test_snake_case_and_arithmetic_are_left_alone():
    text = "use order_id_field and 2*3*4 or 5 * 6"
    assert to_telegram_html(text) == text
    assert to_plain_text(text) == text


def test_unmatched_markers_stay_literal():
    assert to_slack_mrkdwn("**not closed") == "**not closed"
    assert to_telegram_html("a < b **bold") == "a &lt; b **bold"
