from guarantee_tui.cli import main

raise SystemExit(main())
