"""`manage.py pos_benchmark`: the submit path and the staff queues, timed over generated
messages side by side with bare Django views doing the same work.

- `data`: generating the messages (and their executors' grants) and removing them again;
- `bare`: the bare views, the baseline each real page is compared with;
- `urls`: the URLconf of a run: the project's URLs plus the bare views (never served by
  the project itself);
- `measure`: requests through the test client, their query counts and timings, and
  the table;
- `paths`: what a run measures, as whom.
"""
