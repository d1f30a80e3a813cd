"""Days (journées: parallel ateliers and a plenary) and processes (démarches over many sessions), issue 21."""
