import {
  BoxGeometry,
  ConeGeometry,
  CylinderGeometry,
  Group,
  Mesh,
  MeshStandardMaterial,
  PlaneGeometry,
  SphereGeometry,
  type BufferGeometry,
} from 'three';

/** One catalog object: a group tagged with its id; its first child is the part to click. */
export type Furniture = Group;

const part = (geometry: BufferGeometry, color: number, x = 0, y = 0, z = 0) => {
  const mesh = new Mesh(geometry, new MeshStandardMaterial({ color, roughness: 0.7 }));
  mesh.position.set(x, y, z);
  return mesh;
};

const tagged = (id: string, x: number, y: number, z: number, ...parts: Mesh[]): Furniture => {
  const group = new Group();
  group.name = id;
  group.userData.id = id;
  group.position.set(x, y, z);
  group.add(...parts);
  return group;
};

/** The eight objects of the default catalog's `studio` room, built from primitives. */
export function buildFurniture(): Furniture[] {
  const guitar = tagged(
    'guitar',
    -1.7,
    0,
    -0.9,
    part(new SphereGeometry(0.3, 24, 16).scale(1, 1.2, 0.35), 0xb5651d, 0, 0.45, 0),
    part(new BoxGeometry(0.08, 0.9, 0.05), 0x4a2c12, 0, 1.1, 0),
  );
  guitar.rotation.z = -0.2;
  const bookshelf = tagged(
    'bookshelf',
    -3.0,
    0,
    -2.4,
    part(new BoxGeometry(1.2, 2.0, 0.4), 0x8b6b4a, 0, 1.0, 0),
    ...[0x9c2f2f, 0x2f5d9c, 0x3c8c4a, 0xd1a33c].map((color, index) =>
      part(new BoxGeometry(0.15, 0.35, 0.3), color, -0.4 + index * 0.22, 1.3, 0.1),
    ),
  );
  const laptop = tagged(
    'laptop',
    0.1,
    0.8,
    -1.8,
    part(new BoxGeometry(0.6, 0.35, 0.02).translate(0, 0.18, 0).rotateX(-0.25), 0x333a40, 0, 0.02, -0.2),
    part(new BoxGeometry(0.6, 0.03, 0.4), 0x59626b, 0, 0.015, 0),
  );
  const deskLamp = tagged(
    'desk-lamp',
    1.3,
    0.8,
    -2.0,
    part(new ConeGeometry(0.18, 0.25, 24, 1, true), 0xe0b040, 0, 0.55, 0),
    part(new CylinderGeometry(0.02, 0.02, 0.5), 0x444444, 0, 0.27, 0),
    part(new CylinderGeometry(0.12, 0.12, 0.04, 24), 0x444444, 0, 0.02, 0),
  );
  const camera = tagged(
    'camera',
    -0.6,
    0.8,
    -1.5,
    part(new BoxGeometry(0.3, 0.2, 0.12), 0x222222, 0, 0.1, 0),
    part(new CylinderGeometry(0.07, 0.07, 0.1, 24).rotateX(Math.PI / 2), 0x777777, 0, 0.1, 0.1),
  );
  const recordPlayer = tagged(
    'record-player',
    2.5,
    0,
    -1.5,
    part(new BoxGeometry(0.8, 0.6, 0.6), 0x6b4f3a, 0, 0.3, 0),
    part(new CylinderGeometry(0.25, 0.25, 0.02, 32), 0x111111, 0, 0.62, 0),
  );
  const plant = tagged(
    'plant',
    2.6,
    0,
    0.2,
    part(new SphereGeometry(0.35, 20, 16), 0x3f8f3f, 0, 0.75, 0),
    part(new CylinderGeometry(0.2, 0.15, 0.45, 20), 0xc0643a, 0, 0.22, 0),
  );
  const poster = tagged('poster', -0.6, 2.1, -2.98, part(new PlaneGeometry(0.9, 1.2), 0xd9485f));
  return [guitar, bookshelf, laptop, deskLamp, camera, recordPlayer, plant, poster];
}

/** Walls, floor and desk: the untagged rest of the room. */
export function buildRoomShell(): Group {
  const shell = new Group();
  const floor = part(new PlaneGeometry(10, 10).rotateX(-Math.PI / 2), 0xcfb997);
  const backWall = part(new PlaneGeometry(10, 4), 0xefe6d8, 0, 2, -3);
  const leftWall = part(new PlaneGeometry(10, 4).rotateY(Math.PI / 2), 0xe6dccb, -4, 2, 0);
  const desk = part(new BoxGeometry(2.6, 0.08, 1), 0x9b7b55, 0.4, 0.76, -1.9);
  const legs = [-0.8, 1.6].map((x) => part(new BoxGeometry(0.08, 0.74, 0.9), 0x7a5f40, x, 0.37, -1.9));
  shell.add(floor, backWall, leftWall, desk, ...legs);
  return shell;
}
