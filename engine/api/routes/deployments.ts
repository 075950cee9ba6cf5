/** POST /api/deployments: a BPMN file as raw XML or multipart (field `file`, one or more files). */
import express, { Router } from 'express';
import multer from 'multer';
import { BatonError, ErrorCode, ValidationError } from '../../errors';
import type { Engine } from '../../runtime/engine';
import { definitionView } from '../views';

export const MAX_DEPLOYMENT_BYTES = 5 * 1024 * 1024;
const XML_TYPES = ['application/xml', 'text/xml', 'application/bpmn+xml'];

export function deploymentRoutes(engine: Engine): Router {
  const router = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_DEPLOYMENT_BYTES, files: 10 } });

  router.post('/api/deployments', (req, res, next) => {
    if (req.is('multipart/form-data')) return upload.any()(req, res, next);
    if (req.is(XML_TYPES)) return express.text({ type: XML_TYPES, limit: MAX_DEPLOYMENT_BYTES })(req, res, next);
    next(new BatonError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 415, `Send the BPMN as ${XML_TYPES.join(', ')} or multipart/form-data, not '${req.get('content-type') ?? 'nothing'}'`));
  }, async (req, res) => {
    const resources = req.is('multipart/form-data')
      ? ((req.files as Express.Multer.File[] | undefined) ?? []).map((file) => ({ name: file.originalname, xml: file.buffer.toString('utf8') }))
      : [{ name: String(req.query.name ?? req.get('x-resource-name') ?? 'process.bpmn'), xml: typeof req.body === 'string' ? req.body : '' }];
    if (resources.length === 0 || resources.some((r) => r.xml.trim() === '')) {
      throw new ValidationError('The deployment is empty: send the BPMN XML as the body or as a multipart file');
    }
    const definitions = [];
    const warnings = [];
    for (const resource of resources) {
      const result = await engine.deploy(resource.xml, resource.name);
      warnings.push(...result.warnings);
      for (const deployed of result.definitions) {
        definitions.push({ ...definitionView(engine.definitions.get(deployed.key)), duplicate: deployed.duplicate });
      }
    }
    const created = definitions.some((d) => !d.duplicate);
    res.status(created ? 201 : 200).json({ definitions, warnings });
  });

  router.get('/api/definitions', (_req, res) => {
    res.json({ items: engine.definitions.list().map(definitionView) });
  });

  router.get('/api/definitions/:key', (req, res) => {
    res.json(definitionView(engine.definitions.get(req.params.key)));
  });

  router.get('/api/definitions/:key/xml', (req, res) => {
    res.type('application/xml').send(engine.definitions.get(req.params.key).xml);
  });

  return router;
}
