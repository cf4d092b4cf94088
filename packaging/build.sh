#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle of mlaudit and smoke-test it.
#   packaging/build.sh            -> packaging/build/dist/mlaudit/mlaudit (+ icons, .desktop, metainfo)
# Steps: wheel -> fresh venv with the wheel and PyInstaller -> bundle -> `--version` and an offscreen `demo --out`.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
OUT="$HERE/build"
PY="${PYTHON:-python3}"
start=$(date +%s)

rm -rf "$OUT/wheel" "$OUT/dist" "$OUT/work" "$OUT/smoke"
mkdir -p "$OUT"
echo "== wheel"
"$PY" -m build --wheel --outdir "$OUT/wheel" "$ROOT" >"$OUT/build-wheel.log"
if [ ! -x "$OUT/venv/bin/python" ]; then
  echo "== venv"
  "$PY" -m venv "$OUT/venv"
fi
"$OUT/venv/bin/python" -m pip install -q --upgrade "pyinstaller>=6" >"$OUT/pip.log" 2>&1
"$OUT/venv/bin/python" -m pip install -q --force-reinstall --no-deps "$OUT"/wheel/mlaudit-*.whl >>"$OUT/pip.log" 2>&1
"$OUT/venv/bin/python" -m pip install -q "$OUT"/wheel/mlaudit-*.whl >>"$OUT/pip.log" 2>&1

echo "== icons"
"$OUT/venv/bin/python" "$HERE/gen_icons.py" "$OUT/icons" >/dev/null

echo "== pyinstaller"
(cd "$OUT" && "$OUT/venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$OUT/dist" --workpath "$OUT/work" "$HERE/mlaudit.spec")
BUNDLE="$OUT/dist/mlaudit"
cp "$HERE/io.github.mlaudit.mlaudit.desktop" "$HERE/io.github.mlaudit.mlaudit.metainfo.xml" "$BUNDLE/"
cp -r "$OUT/icons" "$BUNDLE/icons"
built=$(date +%s)

echo "== smoke test"
"$BUNDLE/mlaudit" --version
mkdir -p "$OUT/smoke"
(cd "$OUT/smoke" && env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen "$BUNDLE/mlaudit" demo --out "$OUT/smoke/demo")
for ext in html pdf md json; do
  test -s "$OUT/smoke/demo/mlaudit-notebook_prototype.$ext" || { echo "missing $ext report" >&2; exit 1; }
done
# The desktop app inside the bundle: render every view offscreen (proves the Qt plugins are bundled).
env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen "$BUNDLE/mlaudit" gui "$OUT/smoke/demo/notebook_prototype" \
  --db "$OUT/smoke/demo/notebook_prototype.mlaudit.sqlite" --screenshots "$OUT/smoke/screenshots" >/dev/null
test -s "$OUT/smoke/screenshots/overview.png" || { echo "the app rendered no Overview" >&2; exit 1; }
echo "bundle: $BUNDLE"
echo "bundle size: $(du -sh "$BUNDLE" | cut -f1)"
echo "build time: $((built - start)) s (smoke test $(( $(date +%s) - built )) s)"
