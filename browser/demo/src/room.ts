import { Color, DirectionalLight, HemisphereLight, PerspectiveCamera, Scene, Vector2, Vector3, WebGLRenderer } from 'three';
import { pickTaggedId, trackScene, type SceneTracker } from '../../src/three/index.js';
import { buildFurniture, buildRoomShell } from './furniture.js';

export interface Room {
  /** Starts rendering; a new visit, so every object may be reported as viewed again. */
  start(): void;
  stop(): void;
  /** Where an object's main part is on screen, in CSS pixels of the viewport. */
  objectScreenPosition(id: string): { x: number; y: number } | undefined;
}

/** The 3D studio: eight tagged objects, clicks and views reported through the three.js adapter. */
export function createRoom(canvas: HTMLCanvasElement, tracker: SceneTracker, onObjectClick: (id: string) => void): Room {
  const renderer = new WebGLRenderer({ canvas, antialias: true });
  renderer.setPixelRatio(Math.min(devicePixelRatio, 2));
  const scene = new Scene();
  scene.background = new Color(0xf6f3ee);
  const camera = new PerspectiveCamera(55, 1, 0.1, 50);
  camera.position.set(0, 1.7, 4.5);
  camera.lookAt(0, 1, -1);
  scene.add(new HemisphereLight(0xffffff, 0x8d7b68, 1.6));
  const sun = new DirectionalLight(0xffffff, 1.5);
  sun.position.set(3, 5, 4);
  scene.add(sun, buildRoomShell());
  const furniture = buildFurniture();
  scene.add(...furniture);

  const tracking = trackScene({ scene, camera, canvas, tracker, room: 'studio' });
  const resize = () => {
    const { clientWidth: width, clientHeight: height } = canvas;
    if (canvas.width !== Math.floor(width * renderer.getPixelRatio()) || canvas.height !== Math.floor(height * renderer.getPixelRatio())) {
      renderer.setSize(width, height, false);
      camera.aspect = width / Math.max(height, 1);
      camera.updateProjectionMatrix();
    }
  };
  let frame = 0;
  const render = () => {
    resize();
    renderer.render(scene, camera);
    tracking.update();
    frame = requestAnimationFrame(render);
  };
  // Feedback for the visitor; the adapter itself reports the click to the tracker.
  canvas.addEventListener('click', (event) => {
    const rect = canvas.getBoundingClientRect();
    const pointer = new Vector2(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1);
    const id = pickTaggedId(scene, camera, pointer);
    if (id) onObjectClick(id);
  });
  return {
    start() {
      tracking.resetViews();
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(render);
    },
    stop() {
      cancelAnimationFrame(frame);
    },
    objectScreenPosition(id) {
      const object = furniture.find((candidate) => candidate.userData.id === id);
      if (!object) return undefined;
      resize();
      scene.updateMatrixWorld();
      const position = object.children[0]!.getWorldPosition(new Vector3()).project(camera);
      const rect = canvas.getBoundingClientRect();
      return { x: rect.left + ((position.x + 1) / 2) * rect.width, y: rect.top + ((1 - position.y) / 2) * rect.height };
    },
  };
}
