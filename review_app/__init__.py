"""The support-lead review web app: handoffs, conversations, transcripts, exports, metrics, agent console.

Start it with `python -m review_app serve`; build it in code with `review_app.server.create_app`.

May import: the bot core (not bot.trainer or bot.launcher) and desk.
"""
