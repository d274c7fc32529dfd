"""The speed bench (`bench/speed_bench.py`): three bots trained cold, served, loaded and compared.

- `bots`: the `rasa init` bot (default config), the same bot with a light config, and ours;
  cold training with an empty Rasa cache.
- `processes`: starting and stopping servers, and their resident memory.
- `servers`: how each bot is served (REST for the references; ours through the Telegram adapter,
  one or two `rasa run` instances).
- `load`: closed-loop conversations at a given concurrency, timed per turn.
- `accuracy`: intent accuracy on `../shared/eval/intents_dev.csv` through `bench/nlu_eval.py`.
- `report`: the table with ratios, the Markdown file and the latency-vs-concurrency plot.
- `latency_profile`: where one of our turns spends its time, measured in process.
"""
