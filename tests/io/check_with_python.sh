#!/bin/sh
# Runs check_with_python.py with Debian's /usr/bin/python3 (the python3 first on PATH may lack
# numpy). Exit 77 (meson: skipped) when that python, or numpy for the "numpy" mode, is missing.
# Usage: check_with_python.sh CHECKER.py WRITE_SAMPLES MODE
py=/usr/bin/python3
if [ ! -x "$py" ]; then echo "skipped: no $py"; exit 77; fi
if [ "$3" = numpy ] && ! "$py" -c 'import numpy' 2>/dev/null; then echo "skipped: no numpy for $py"; exit 77; fi
exec "$py" "$@"
