"""The demo portal: a loopback HTTP server that looks like a real county portal."""
