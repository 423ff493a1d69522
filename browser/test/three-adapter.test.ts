// @vitest-environment happy-dom
import { BoxGeometry, Group, Mesh, MeshBasicMaterial, PerspectiveCamera, Scene, Vector2 } from 'three';
import { describe, expect, it } from 'vitest';
import { pickTaggedId, taggedId, trackScene } from '../src/three/index.js';

// three.js scene math runs in Node as in the browser; only rendering needs WebGL, and the
// adapter does not render. Clicks through a real canvas are covered by the Chromium tests.
function studio() {
  const scene = new Scene();
  const camera = new PerspectiveCamera(60, 1, 0.1, 100);
  camera.position.set(0, 0, 5);
  camera.lookAt(0, 0, 0);
  const tagged = (id: string, x: number, z = 0) => {
    const group = new Group();
    group.userData.id = id;
    group.position.set(x, 0, z);
    group.add(new Mesh(new BoxGeometry(1, 1, 1), new MeshBasicMaterial()));
    scene.add(group);
    return group;
  };
  const guitar = tagged('guitar', 0);
  const plant = tagged('plant', 1.5);
  const hidden = tagged('poster', 0, 10); // behind the camera
  scene.updateMatrixWorld();
  camera.updateMatrixWorld();
  return { scene, camera, guitar, plant, hidden };
}

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    trackObjectClick: (id: string, room?: string) => calls.push(`click:${id}:${room}`),
    trackObjectView: (id: string, room?: string) => calls.push(`view:${id}:${room}`),
  };
}

describe('three.js adapter', () => {
  it('finds the tagged ancestor of the mesh under the pointer', () => {
    const { scene, camera, guitar } = studio();
    expect(taggedId(guitar.children[0]!)).toBe('guitar');
    expect(pickTaggedId(scene, camera, new Vector2(0, 0))).toBe('guitar');
    expect(pickTaggedId(scene, camera, new Vector2(0.9, 0.9))).toBeUndefined();
  });

  it('reports each tagged object on screen for a second once per page view', () => {
    const { scene, camera } = studio();
    const tracker = recorder();
    const tracking = trackScene({ scene, camera, canvas: document.createElement('canvas'), tracker, room: 'studio' });
    tracking.update(0);
    tracking.update(999);
    expect(tracker.calls).toEqual([]);
    tracking.update(1000);
    expect(tracker.calls.sort()).toEqual(['view:guitar:studio', 'view:plant:studio']);
    tracking.update(5000);
    expect(tracker.calls).toHaveLength(2);
    tracking.resetViews();
    tracking.update(6000);
    tracking.update(7000);
    expect(tracker.calls).toHaveLength(4);
    tracking.dispose();
  });

  it('restarts the second when an object leaves the screen', () => {
    const { scene, camera, plant } = studio();
    const tracker = recorder();
    const tracking = trackScene({ scene, camera, canvas: document.createElement('canvas'), tracker, viewAfterMs: 1000 });
    tracking.update(0);
    plant.position.set(0, 0, 20);
    scene.updateMatrixWorld();
    tracking.update(600);
    plant.position.set(1.5, 0, 0);
    scene.updateMatrixWorld();
    tracking.update(700);
    tracking.update(1000);
    expect(tracker.calls).toEqual(['view:guitar:undefined']);
    tracking.update(1700);
    expect(tracker.calls).toEqual(['view:guitar:undefined', 'view:plant:undefined']);
  });
});
