"""The load and fault run of issue 16 (`bash scripts/loadtest`).

- `services`: the run's own PostgreSQL cluster, the identity provider, the stack
  (scripts/stack) and the processes the faults act on;
- `idp`: the development OpenID Connect provider as a process of its own;
- `seed`: what the stack needs for the run (the demo region, staff passwords);
- `locustfile`: the mixed profile (citizens, staff, widget);
- `faults`: the scripted fault steps run during the load;
- `collect`: what the database, the broker and the SMTP sink hold after the run;
- `checks`: the exactly-once and drain checks (pure functions, tested fast);
- `report`: the printed report;
- `run`: the command.
"""
