"""`indicators serve`: build, serve on this machine, and rebuild whenever data, pages or configuration change."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from generator import api
from generator.load.project import Project
from generator.validate.render import as_text


def serve(project: Project, host: str, port: int) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    log = logging.getLogger("indicators.serve")
    with tempfile.TemporaryDirectory(prefix="indicators-preview-") as temporary:
        site_dir = Path(temporary) / "site"
        site_dir.mkdir()

        def rebuild() -> None:
            result = api.build(project, site_dir, docs_dir=Path(temporary) / "docs")
            if not result.ok:
                # Keep serving the last good site and say what is wrong; the next save tries again.
                log.warning("The data are not valid; still showing the last good build.\n%s", as_text(result.report))

        rebuild()
        server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site_dir))
        for path in (project.datapackages, project.site_src, project.mkdocs_yml):
            if path.exists():
                server.watch(str(path))
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    return 0
