"""Serve a saved classifier over HTTP: FastAPI app, micro-batching, uvicorn runner.

- `embedlab.deploy.serve.app`: `create_app` (the FastAPI app, its limits
  `ServeLimits`) and `serve` (run it with uvicorn);
- `embedlab.deploy.serve.batcher`: `MicroBatcher`, gathering concurrent
  requests into one model call.

Needs the ``serve`` extra (``pip install 'embedlab[serve]'``); importing this
package imports neither FastAPI nor Keras, `create_app` does.
"""

from embedlab.deploy.serve.app import ServeLimits, create_app, describe_service, serve

__all__ = ["ServeLimits", "create_app", "describe_service", "serve"]
