"""The pages' static files: built once by the developers (`make assets`), served by
whitenoise.

Building (`python -m p2p.web.assets`, after `npm run build:css`) writes `p2p/web/static/`:
each file under a name carrying a digest of its content (`styles.3f2a9c01de.css`), so that
it can be cached for a year and a change is a new name; a gzip copy of each beside it
(whitenoise sends it to a browser that accepts it); the USWDS images the CSS names, and
nothing else of USWDS; `manifest.json` (logical name -> built name); and `VENDOR.md`
(what of USWDS is shipped, its version and licence). The result is committed: a
deployment serves it as it is, with no build step and no Node.js.

At run time `asset_url("styles.css")` answers the built name's URL.
"""

import gzip
import hashlib
import json
import re
import shutil
import sys
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
SOURCES = HERE / "assets"
STATIC = HERE / "static"
ROOT = HERE.parent.parent
USWDS = ROOT / "node_modules" / "@uswds" / "uswds"
MANIFEST = "manifest.json"
FAVICONS = USWDS / "dist" / "img" / "favicons"
# Built from sources here: (logical name, source file); the favicons are USWDS's own.
FILES = (
    ("styles.css", SOURCES / "build" / "styles.css"),
    ("app.js", SOURCES / "app.js"),
    ("favicon.ico", FAVICONS / "favicon.ico"),
    ("favicon.png", FAVICONS / "favicon-192.png"),
)
DIGEST = re.compile(r"\.[0-9a-f]{10}\.[a-z]+$")
_URL = re.compile(r"url\(\"?(img/[^\")]+)\"?\)")


def built_name(name: str, content: bytes) -> str:
    stem, _, extension = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:10]}.{extension}"


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    # mtime=0: the same input gives the same bytes, so a rebuild changes nothing.
    path.with_name(path.name + ".gz").write_bytes(gzip.compress(content, 9, mtime=0))


def build() -> dict[str, str]:
    if STATIC.exists():
        shutil.rmtree(STATIC)
    manifest = {}
    images = set()
    for name, source in FILES:
        content = source.read_bytes()
        if name.endswith(".css"):
            images |= set(_URL.findall(content.decode("utf-8")))
        built = built_name(name, content)
        _write(STATIC / built, content)
        manifest[name] = built
    for image in sorted(images):
        _write(STATIC / image, (USWDS / "dist" / image).read_bytes())
    (STATIC / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    version = json.loads((USWDS / "package.json").read_text())["version"]
    (STATIC / "VENDOR.md").write_text(
        f"# Third-party files shipped here\n\n"
        f"- USWDS {version} (U.S. Web Design System, https://designsystem.digital.gov):\n"
        f"  compiled into `{manifest['styles.css']}` from its Sass packages (only the\n"
        f"  components the pages use; see p2p/web/assets/styles.scss), and {len(images)}\n"
        f"  of its images under `img/`, those the CSS names, and its favicon\n"
        f"  (`{manifest['favicon.ico']}`, `{manifest['favicon.png']}`). USWDS is in the worldwide\n"
        f"  public domain (CC0 1.0 Universal); its images come from Material Design Icons\n"
        f"  (Apache 2.0) and USWDS's own work (public domain), per its LICENSE.md.\n"
    )
    return manifest


@cache
def _manifest() -> dict[str, str]:
    return json.loads((STATIC / MANIFEST).read_text())


def asset_url(name: str) -> str:
    return f"/static/{_manifest()[name]}"


def is_immutable(path: str, url: str) -> bool:
    """For whitenoise: a built name carries its digest, so it never changes."""
    return bool(DIGEST.search(url))


if __name__ == "__main__":
    built = build()
    sys.stdout.write(f"built {len(built)} files into {STATIC}\n")
