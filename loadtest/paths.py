"""Where the run keeps everything, and the ports of its own services.

Everything the run starts is its own: a PostgreSQL cluster and a Redis on their own ports
(the faults restart them, and the machine's servers are shared with other work), the
stack's processes under their own directory, the identity provider on its own port.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Layout:
    base: Path
    pg_port: int
    redis_port: int
    stack_port: int
    idp_port: int
    smtp_port: int

    @classmethod
    def from_env(cls) -> Layout:
        get = os.environ.get
        return cls(
            base=Path(get("LOADTEST_DIR", str(ROOT / "var" / "loadtest"))),
            pg_port=int(get("LOADTEST_PG_PORT", "5441")),
            redis_port=int(get("LOADTEST_REDIS_PORT", "6391")),
            stack_port=int(get("LOADTEST_STACK_PORT", "8190")),
            idp_port=int(get("LOADTEST_IDP_PORT", "8191")),
            smtp_port=int(get("LOADTEST_SMTP_PORT", "8026")),
        )

    @property
    def pg_data(self) -> Path:
        return self.base / "pg"

    @property
    def stack_dir(self) -> Path:
        return self.base / "stack"

    @property
    def out(self) -> Path:
        return self.base / "out"

    @property
    def stack_url(self) -> str:
        return f"http://127.0.0.1:{self.stack_port}"

    @property
    def idp_url(self) -> str:
        return f"http://127.0.0.1:{self.idp_port}"

    @property
    def stack_database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/pos_loadtest_stack"

    @property
    def idp_database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/pos_loadtest_idp"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def mail_dir(self) -> Path:
        return self.stack_dir / "mail"

    @property
    def env_file(self) -> Path:
        return self.stack_dir / "rendered" / "pos.env"
