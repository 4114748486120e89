"""Onboarding a region from files: validate everything, then load it all or nothing.

`files` holds the shared vocabulary (problems, change reports, the file protocol plugins
implement), `schema` the small declarative key checker, `core` the core's own files,
`classifier` the national classifier, and `loader` puts them together for the commands.
"""
