"""Android/desktop entry point for `flet build`: the field app only.

`flet build apk` packages the repository root minus the server, tests and tooling
(see [tool.flet.app] in pyproject.toml), so the app ships with `enrolment/` and
`assets/` but no server code.
"""

from field_app.main import run

run()
