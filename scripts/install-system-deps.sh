#!/usr/bin/env bash
# System packages that the paper letter (handlers/letters) and the browser tests need,
# installed from Debian's registry only when something is missing, so that `make install` is
# quick when all is there:
#   fonts-noto-cjk        Noto Serif CJK SC (思源宋体), the CJK font embedded in the letter PDFs
#   fontconfig            fc-list, with which the renderer finds that font
#   libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0
#                         the text layout and font subsetting libraries WeasyPrint loads
#   poppler-utils         pdftoppm / pdftotext / pdffonts, with which the tests check the PDFs
#   chromium              Debian's browser, driven headless by the browser tests and by
#                         `python -m tools.bpmnbuild.preview` (never a downloaded browser build)
# Nothing is ever downloaded from anywhere but the system's package registry.
set -euo pipefail

missing=()

# ldconfig lives in /sbin, which a non-root PATH may lack.
LDCONFIG="$(command -v ldconfig || echo /sbin/ldconfig)"
have_lib() { "$LDCONFIG" -p 2>/dev/null | grep -q "$1"; }

if ! command -v fc-list >/dev/null 2>&1; then
  missing+=(fontconfig)
fi
if ! { command -v fc-list >/dev/null 2>&1 \
       && fc-list ':lang=zh-cn' family 2>/dev/null | grep -q 'Noto Serif CJK SC'; } \
   && ! ls /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc >/dev/null 2>&1; then
  missing+=(fonts-noto-cjk)
fi
have_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
[ -x /usr/bin/chromium ] || missing+=(chromium)
for tool in pdftoppm pdftotext pdffonts; do
  if ! command -v "$tool" >/dev/null 2>&1; then missing+=(poppler-utils); break; fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "installing system packages: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: apt-get not found; install these packages (or your system's equivalents):" \
       "${missing[*]}" >&2
  exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "error: not root; run: apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if command -v fc-cache >/dev/null 2>&1; then fc-cache -f >/dev/null 2>&1 || true; fi
