#!/usr/bin/env bash
# Generates the demo fixture's test video (assets/media/replay-demo.webm): a moving test pattern with a
# running counter and a beeping tone, made entirely by ffmpeg's synthetic sources, so Replay ships no
# third-party media. Needs ffmpeg (Debian: apt-get install ffmpeg); CI uses the committed file instead.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-24}"
out=assets/media/replay-demo.webm
mkdir -p "$(dirname "$out")"

ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc=size=320x180:rate=15:duration=${seconds}" \
  -f lavfi -i "sine=frequency=440:beep_factor=4:sample_rate=48000:duration=${seconds}" \
  -map 0:v -map 1:a \
  -c:v libvpx-vp9 -b:v 0 -crf 42 -deadline good -cpu-used 4 -row-mt 1 -g 30 -pix_fmt yuv420p \
  -c:a libopus -b:a 24k -ac 1 \
  -metadata title="Replay demo test pattern" \
  -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
  "$out"

echo "$out: $(stat -c %s "$out") bytes, ${seconds} s"
