// Placeholder until the live board lands: shows the connection state.
import { io } from "socket.io-client";

const root = document.getElementById("board");
const status = document.querySelector('[data-testid="connection-status"]');
const socket = io({ auth: { workshop: root.dataset.code }, transports: ["websocket"] });
socket.on("connect", () => { status.dataset.state = "connected"; status.textContent = "Connecté"; });
socket.on("disconnect", () => { status.dataset.state = "reconnecting"; status.textContent = "Reconnexion…"; });
