"""Developer tools of the csp-assess clone; not part of the installed package."""
