// Page load without telemetry (bench/speed.mjs, scenario `load`): the floor the two SDKs' pages add to.
console.debug(`__start ${performance.now()}`);
console.debug(`__ready ${performance.now()}`);
