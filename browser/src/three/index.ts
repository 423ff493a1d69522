/**
 * Clicks and views inside a three.js scene. To every other analytics tool a click in a WebGL
 * scene is a click on `<canvas>`; this adapter raycasts each click to the object under the
 * pointer and reports objects tagged with an id (`object.userData.id`, or any ancestor's).
 */
import { Box3, Frustum, Matrix4, Raycaster, Vector2, type Camera, type Object3D } from 'three';

/** The part of the tracker the adapter uses (`footfall` or a `Tracker` both fit). */
export interface SceneTracker {
  trackObjectClick(object: string, room?: string): void;
  trackObjectView(object: string, room?: string): void;
}

export interface SceneTrackingOptions {
  scene: Object3D;
  camera: Camera;
  /** The renderer's canvas: clicks on it are raycast into the scene. */
  canvas: HTMLCanvasElement;
  tracker: SceneTracker;
  /** Catalog room id sent with every event. */
  room?: string;
  /** How long a tagged object must be on screen before `object_view` (default 1000 ms). */
  viewAfterMs?: number;
  /** The `userData` key that holds an object's catalog id (default `id`). */
  idKey?: string;
}

export interface SceneTracking {
  /** Call once per rendered frame: counts how long each tagged object has been on screen. */
  update(now?: number): void;
  /** A new page view: every object may be reported as viewed once more. */
  resetViews(): void;
  /** Stops listening to the canvas. */
  dispose(): void;
}

const DEFAULT_VIEW_AFTER_MS = 1000;

/** The tagged id of `object` or of its nearest tagged ancestor. */
export function taggedId(object: Object3D | null, idKey = 'id'): string | undefined {
  for (let node = object; node; node = node.parent) {
    const id: unknown = node.userData[idKey];
    if (typeof id === 'string' && id) return id;
  }
  return undefined;
}

/** The tagged id of the nearest object under a point in normalised device coordinates (-1..1). */
export function pickTaggedId(scene: Object3D, camera: Camera, ndc: Vector2, idKey = 'id', raycaster = new Raycaster()): string | undefined {
  raycaster.setFromCamera(ndc, camera);
  for (const hit of raycaster.intersectObject(scene, true)) {
    const id = taggedId(hit.object, idKey);
    if (id) return id;
  }
  return undefined;
}

export function trackScene(options: SceneTrackingOptions): SceneTracking {
  const { scene, camera, canvas, tracker, room } = options;
  const idKey = options.idKey ?? 'id';
  const viewAfterMs = options.viewAfterMs ?? DEFAULT_VIEW_AFTER_MS;
  const raycaster = new Raycaster();
  const pointer = new Vector2();
  const frustum = new Frustum();
  const viewProjection = new Matrix4();
  const bounds = new Box3();
  const onScreenSince = new Map<string, number>();
  const viewed = new Set<string>();

  // A click must never break the page, whatever the scene holds.
  const onClick = (event: MouseEvent) => {
    try {
      const rect = canvas.getBoundingClientRect();
      if (!rect.width || !rect.height) return;
      pointer.set(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1);
      const id = pickTaggedId(scene, camera, pointer, idKey, raycaster);
      if (id) tracker.trackObjectClick(id, room);
    } catch (error) {
      console.debug('[footfall] scene click ignored:', error);
    }
  };
  canvas.addEventListener('click', onClick);

  return {
    update(now = performance.now()) {
      if (document.visibilityState === 'hidden') {
        onScreenSince.clear();
        return;
      }
      camera.updateMatrixWorld();
      frustum.setFromProjectionMatrix(viewProjection.multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse));
      const onScreen = new Set<string>();
      scene.traverseVisible((object) => {
        const id: unknown = object.userData[idKey];
        if (typeof id !== 'string' || !id || viewed.has(id)) return;
        if (!bounds.setFromObject(object).isEmpty() && frustum.intersectsBox(bounds)) onScreen.add(id);
      });
      for (const id of onScreenSince.keys()) if (!onScreen.has(id)) onScreenSince.delete(id);
      for (const id of onScreen) {
        const since = onScreenSince.get(id) ?? now;
        onScreenSince.set(id, since);
        if (now - since >= viewAfterMs) {
          viewed.add(id);
          onScreenSince.delete(id);
          tracker.trackObjectView(id, room);
        }
      }
    },
    resetViews() {
      viewed.clear();
      onScreenSince.clear();
    },
    dispose() {
      canvas.removeEventListener('click', onClick);
    },
  };
}
