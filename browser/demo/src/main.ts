import { footfall } from '../../src/index.js';
import { readConfig } from './config.js';
import { PAGES, loadProjects } from './pages.js';
import type { Room } from './room.js';
import { startRouter } from './router.js';

const ROOM_ID = 'studio';
const page = document.getElementById('page')!;
const roomSection = document.getElementById('room')!;
const roomStatus = document.getElementById('room-status')!;
const canvas = document.getElementById('scene') as HTMLCanvasElement;

footfall.init(readConfig());

/** A handle for end-to-end tests and curious visitors: where each object is on screen. */
const demo = {
  room: undefined as Room | undefined,
  roomReady: false,
  objectScreenPosition: (id: string) => demo.room?.objectScreenPosition(id),
};
(window as unknown as { footfallDemo: typeof demo }).footfallDemo = demo;

let inRoom = false;
// three.js is loaded only when the studio is first visited, so the pages paint at once.
const openRoom = async () => {
  try {
    const { createRoom } = await import('./room.js');
    demo.room ??= createRoom(canvas, footfall, (id) => {
      roomStatus.textContent = `You clicked the ${id.replace('-', ' ')}.`;
    });
    if (!inRoom) return;
    demo.room.start();
    demo.roomReady = true;
    roomStatus.textContent = 'Click an object.';
  } catch (error) {
    roomStatus.textContent = 'The 3D studio needs WebGL, which this browser does not offer.';
    console.warn('studio unavailable', error);
  }
};

startRouter((path) => {
  const enteringRoom = path === '/room';
  if (inRoom && !enteringRoom) {
    inRoom = false;
    demo.room?.stop();
    demo.roomReady = false;
    footfall.trackRoomExit(ROOM_ID);
  }
  roomSection.hidden = !enteringRoom;
  page.hidden = enteringRoom;
  if (enteringRoom) {
    if (!inRoom) {
      inRoom = true;
      footfall.trackRoomEnter(ROOM_ID);
      void openRoom();
    }
    return;
  }
  page.innerHTML = PAGES[path] ?? '<h1>Not found</h1><p><a href="/" data-link>Back home</a></p>';
  const projects = document.getElementById('projects');
  if (projects) void loadProjects(projects);
});
