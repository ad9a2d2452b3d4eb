"""Render deploy/nginx/supportreplay.conf.template for a host without the nginx Docker image.

    python deploy/render_nginx.py --server-name support.example.com --cert /etc/ssl/... --key ... \
        --static-root /srv/supportreplay/staticfiles --upstream-conf /etc/nginx/supportreplay-upstream.conf \
        > /etc/nginx/conf.d/supportreplay.conf

Only the ${NAME} placeholders listed in the template are replaced; nginx's own $variables stay.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "supportreplay.conf.template"
NAMES = (
    "SERVER_NAME",
    "TLS_CERT",
    "TLS_KEY",
    "STATIC_ROOT",
    "LOG_DIR",
    "HTTP_PORT",
    "HTTPS_PORT",
    "UPSTREAM_CONF",
)


def render(values: dict[str, str], template: str | None = None) -> str:
    text = TEMPLATE.read_text() if template is None else template
    missing = [name for name in NAMES if not values.get(name)]
    if missing:
        raise ValueError(f"missing values: {', '.join(missing)}")
    return re.sub(r"\$\{(" + "|".join(NAMES) + r")\}", lambda m: str(values[m.group(1)]), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--static-root", required=True)
    parser.add_argument("--upstream-conf", required=True)
    parser.add_argument("--log-dir", default="/var/log/nginx")
    parser.add_argument("--http-port", default="80")
    parser.add_argument("--https-port", default="443")
    args = parser.parse_args(argv)
    values = {
        "SERVER_NAME": args.server_name,
        "TLS_CERT": args.cert,
        "TLS_KEY": args.key,
        "STATIC_ROOT": args.static_root.rstrip("/"),
        "LOG_DIR": args.log_dir.rstrip("/"),
        "HTTP_PORT": args.http_port,
        "HTTPS_PORT": args.https_port,
        "UPSTREAM_CONF": args.upstream_conf,
    }
    sys.stdout.write(render(values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
