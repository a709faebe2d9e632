// Validates every object in the Kubernetes manifests given on the command line against the API schemas of
// kubernetes-models, and checks what the recipes promise: watch is a one-replica Deployment whose state is a
// PersistentVolumeClaim of the same file, and detect is an hourly CronJob. A deliberately broken copy of each
// Deployment and CronJob must fail validation, so the validator is known to be live. Exit code 1 on any problem.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { ConfigMap, PersistentVolumeClaim, ServiceAccount } from "kubernetes-models/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { CronJob, Job } from "kubernetes-models/batch/v1";

const models = {
  "v1/ConfigMap": ConfigMap,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/ServiceAccount": ServiceAccount,
  "apps/v1/Deployment": Deployment,
  "batch/v1/CronJob": CronJob,
  "batch/v1/Job": Job,
};

const problems = [];
const valid = (Model, object) => {
  try {
    new Model(object).validate();
    return null;
  } catch (e) {
    return e.message.split("\n")[0];
  }
};

// Claims of every file: the baseline Job writes the state that watch.yaml claims.
const claims = new Set(
  process.argv.slice(2).flatMap((file) => parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS()))
    .filter((o) => o?.kind === "PersistentVolumeClaim").map((o) => o.metadata.name),
);
let deployments = 0;
let cronJobs = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) problems.push(`${file}: ${doc.errors[0].message}`);
    const object = doc.toJS();
    if (object !== null) objects.push(object);
  }
  for (const object of objects) {
    const where = `${file}: ${object.kind} ${object.metadata?.name}`;
    const Model = models[`${object.apiVersion}/${object.kind}`];
    if (!Model) {
      problems.push(`${where}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    const error = valid(Model, object);
    if (error) problems.push(`${where}: ${error}`);
    let pod;
    if (object.kind === "Deployment") {
      deployments++;
      pod = object.spec.template.spec;
      const silo = object.metadata?.labels?.["app.kubernetes.io/component"] === "silo";
      if (silo) {
        // Silos scale out; each advertises its pod's own address to the others.
        const c = pod.containers[0];
        const address = (c.args ?? []).indexOf("--address");
        const podIp = (c.env ?? []).find((e) => e.valueFrom?.fieldRef?.fieldPath === "status.podIP");
        if (address < 0 || !podIp || c.args[address + 1] !== `$(${podIp.name})`)
          problems.push(`${where}: a silo must advertise its pod's IP with --address`);
        if (!Number.isInteger(object.spec.replicas) || object.spec.replicas < 1)
          problems.push(`${where}: needs a replica count`);
      } else {
        if (object.spec.replicas !== 1) problems.push(`${where}: watch must run as one replica`);
        if (object.spec.strategy?.type !== "Recreate") problems.push(`${where}: needs strategy Recreate`);
      }
      const broken = structuredClone(object);
      broken.spec.replicas = "one";
      if (!valid(Model, broken)) problems.push(`${where}: a string replica count passed validation`);
    } else if (object.kind === "Job") {
      pod = object.spec.template.spec;
      if (!pod.containers[0].args.includes("baseline")) problems.push(`${where}: the Job does not run baseline`);
    } else if (object.kind === "CronJob") {
      cronJobs++;
      pod = object.spec.jobTemplate.spec.template.spec;
      if (!/^\d{1,2} \* \* \* \*$/.test(object.spec.schedule)) problems.push(`${where}: not hourly`);
      const broken = structuredClone(object);
      delete broken.spec.jobTemplate;
      if (!valid(Model, broken)) problems.push(`${where}: a CronJob without jobTemplate passed validation`);
    }
    if (pod) {
      const volumes = pod.volumes ?? [];
      const state = volumes.find((v) => v.persistentVolumeClaim);
      const stateless = object.metadata?.labels?.["app.kubernetes.io/component"] === "silo";
      if (!stateless && (!state || !claims.has(state.persistentVolumeClaim.claimName)))
        problems.push(`${where}: its state is not a PersistentVolumeClaim of the manifests`);
      for (const c of pod.containers) {
        const sc = c.securityContext ?? {};
        if (sc.allowPrivilegeEscalation !== false || sc.readOnlyRootFilesystem !== true)
          problems.push(`${where}: container ${c.name} must not escalate and must have a read-only root`);
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${where}: ${c.name} keeps capabilities`);
      }
      if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${where}: pod may run as root`);
    }
  }
}
if (deployments === 0) problems.push("no Deployment found");
if (cronJobs === 0) problems.push("no CronJob found");
for (const p of problems) console.error(p);
console.log(`kubernetes-models: ${deployments} Deployment(s), ${cronJobs} CronJob(s), ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
