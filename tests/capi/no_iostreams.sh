#!/usr/bin/env bash
# What the C interface reaches must not use iostreams: one std::ostringstream links std::locale
# with all its facets into a static program (about 0.8 MB of libstdc++ and glibc; README.md,
# "Footprint"). libdynagrad_shared.so is linked with --gc-sections, so it keeps exactly the code
# that dg_* reaches; the C++ runtime symbols it imports must include no stream or locale class.
# The library formats its messages with dg::Message (autodiff/message.hpp) instead.
# Usage: no_iostreams.sh SHARED_LIBRARY
set -euo pipefail
library=$1
imports=$(nm -D --undefined-only "$library" | awk '{ print $NF }')
# The check must see the C++ runtime imports at all (operator new), or it proves nothing.
grep -q '^_Znwm' <<<"$imports" || { echo "no_iostreams.sh: $library imports no operator new: nm failed?" >&2; exit 1; }
streams=$(grep -E 'St6locale|St8ios_base|basic_(o|i|)stringstream|basic_ostream|basic_istream|basic_streambuf|basic_stringbuf|St7num_put' <<<"$imports" || true)
if [ -n "$streams" ]; then
  echo "no_iostreams.sh: $library imports iostream or locale code:" >&2
  c++filt <<<"$streams" | sed 's/^/  /' >&2
  exit 1
fi
echo "no iostream or locale symbols among the $(wc -l <<<"$imports") imports of $library"
