test('jest runs on the targeted Node major', () => {
  expect(process.versions.node.split('.')[0]).toBe('24');
});
