const INTERVAL = 'estimate low high n';

export const FAIRNESS_AUDIT_FIELDS = `id attribute trigger windowFrom windowTo createdAt createdBy referenceGroup flagged
  config { rateThreshold meanGap alpha minCandidates }
  groups { group candidates impressions clicks applies populationShare exposureShare
    exposurePerCandidate { ${INTERVAL} } salary { ${INTERVAL} } seniority { ${INTERVAL} } clickRate { ${INTERVAL} } applyRate { ${INTERVAL} }
    disparities { metric ratio low high flagged } flagged insufficient }`;

export const FAIRNESS_AUDITS = `query FairnessAudits($limit: Int!) { rows: fairnessAudits(limit: $limit) { ${FAIRNESS_AUDIT_FIELDS} } }`;
export const FAIRNESS_EXPORT = `query FairnessAuditExport($id: ID!, $format: FairnessExportFormat!) { text: fairnessAuditExport(id: $id, format: $format) }`;
export const RUN_FAIRNESS_AUDIT = `mutation RunFairnessAudit($attribute: String!) { audit: runFairnessAudit(input: { attribute: $attribute }) { id } }`;
