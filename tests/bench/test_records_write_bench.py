"""bench/records_write_bench.py: both engines write real records, and the report compares them."""

from pathlib import Path

import sqlalchemy as sa

from bench.records_write_bench import measure, report


def test_each_engine_writes_every_operation_and_the_report_has_a_ratio_per_operation(tmp_path: Path) -> None:
    timings = measure(tmp_path, rounds=3)

    assert set(timings) == {"committed", "SQLAlchemy default"}
    for per_operation in timings.values():
        assert set(per_operation) == {"handoff opened", "NPS asked (check + record)", "complaint ticket", "feedback note"}
        assert all(len(seconds) == 3 and min(seconds) > 0 for seconds in per_operation.values())
    for database in ("committed.db", "SQLAlchemy_default.db"):
        engine = sa.create_engine(f"sqlite:///{tmp_path / database}")
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM handoffs").scalar() == 3
        engine.dispose()
    lines = report(timings, tmp_path).splitlines()
    assert len(lines) == 6 and all(len(line.split()) >= 8 for line in lines[2:])
