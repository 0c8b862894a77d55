"""``python -m tools.demo [OUT_DIR]``: write the synthetic demo data (default ``data/demo``)."""

from tools.demo.generate import main

raise SystemExit(main())
