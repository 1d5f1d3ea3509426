/**
 * The canonical skill vocabulary: canonical name → aliases (lowercase). Extraction matches the canonical name
 * and every alias as whole words/phrases. Edit here to extend; keep names lowercase.
 */
export const SKILL_VOCABULARY: Record<string, Record<string, string[]>> = {
  tech: {
    javascript: ['js', 'ecmascript', 'es6'], typescript: ['ts'], python: ['python3', 'py'], java: ['j2ee', 'java ee', 'core java'],
    'c++': ['cpp', 'c plus plus'], 'c#': ['csharp', 'c sharp'], c: [], go: ['golang'], rust: [], ruby: [], php: [], scala: [], kotlin: [],
    swift: [], 'objective-c': ['objective c', 'objc'], r: ['r language'], matlab: [], perl: [], bash: ['shell scripting', 'shell script'],
    sql: ['t-sql', 'pl/sql', 'plsql'], postgresql: ['postgres', 'psql'], mysql: [], 'sql server': ['mssql', 'microsoft sql server'],
    oracle: ['oracle database', 'oracle db'], mongodb: ['mongo'], redis: [], elasticsearch: ['elastic search'], cassandra: [],
    react: ['reactjs', 'react.js'], angular: ['angularjs', 'angular.js'], 'vue.js': ['vue', 'vuejs'], 'node.js': ['node', 'nodejs'],
    django: [], flask: [], spring: ['spring boot', 'springboot'], '.net': ['dotnet', 'asp.net', '.net core'], html: ['html5'], css: ['css3'],
    graphql: [], rest: ['rest api', 'restful'], aws: ['amazon web services'], azure: ['microsoft azure'], gcp: ['google cloud', 'google cloud platform'],
    docker: [], kubernetes: ['k8s'], terraform: [], ansible: [], jenkins: [], git: ['github', 'gitlab'], linux: ['unix'],
    'ci/cd': ['continuous integration', 'continuous delivery'], devops: [], 'machine learning': ['ml'], 'deep learning': [],
    'natural language processing': ['nlp'], 'computer vision': [], tensorflow: [], pytorch: [], 'scikit-learn': ['sklearn'],
    pandas: [], numpy: [], spark: ['apache spark', 'pyspark'], hadoop: [], kafka: ['apache kafka'], airflow: [], tableau: [],
    'power bi': ['powerbi'], excel: ['ms excel', 'microsoft excel'], 'data analysis': ['data analytics'], statistics: [],
    'data engineering': ['etl'], selenium: [], 'software testing': ['manual testing', 'qa testing', 'quality assurance'],
    'test automation': ['automation testing'], agile: ['scrum', 'kanban'], jira: [], microservices: [], 'system design': [],
    networking: ['tcp/ip'], cybersecurity: ['information security', 'infosec', 'security'], sap: [], salesforce: ['sfdc'],
    android: [], ios: [], 'ui/ux design': ['ux', 'ui design', 'user experience'], figma: [], blockchain: [], 'hadoop hdfs': ['hdfs'],
  },
  healthcare: {
    'patient care': [], nursing: ['registered nurse', 'rn'], 'basic life support': ['bls', 'cpr'], 'advanced cardiac life support': ['acls'],
    'electronic health records': ['ehr', 'emr', 'electronic medical records'], 'medical coding': ['icd-10', 'icd10', 'cpt coding'],
    phlebotomy: [], pharmacology: [], 'clinical research': ['clinical trials'], hipaa: [], 'medical terminology': [],
    radiology: [], 'physical therapy': ['physiotherapy'], 'mental health': [], 'home health': ['home care'], triage: [],
  },
  sales: {
    sales: ['selling'], 'business development': ['bizdev'], 'account management': ['key account management'], crm: [],
    negotiation: [], 'lead generation': ['prospecting'], 'cold calling': [], 'b2b sales': ['b2b'], 'retail sales': ['retail'],
    'customer service': ['customer support', 'client service'], marketing: [], 'digital marketing': ['online marketing'],
    seo: ['search engine optimization'], 'social media': [], 'content marketing': [], 'market research': [], 'product management': [],
    'merchandising': [], cashier: ['cash handling', 'point of sale', 'pos'],
  },
  finance: {
    accounting: ['bookkeeping'], 'financial analysis': [], 'financial modeling': ['financial modelling'], budgeting: ['forecasting'],
    auditing: ['audit'], tax: ['taxation'], 'accounts payable': [], 'accounts receivable': [], payroll: [], gaap: ['us gaap'],
    ifrs: [], quickbooks: [], 'risk management': [], compliance: [], banking: [], investment: ['investment banking'], cpa: [],
    'corporate finance': [], treasury: [], underwriting: [],
  },
  operations: {
    'project management': ['pmp'], 'program management': [], 'supply chain': ['supply chain management', 'logistics'],
    procurement: ['purchasing'], 'inventory management': ['inventory'], warehouse: ['warehousing', 'forklift'],
    'operations management': [], 'six sigma': ['lean six sigma', 'lean'], 'quality control': ['qc'], manufacturing: [],
    'human resources': ['hr'], recruiting: ['recruitment', 'talent acquisition'], training: [], 'office administration': ['clerical'],
    'data entry': [], scheduling: [], 'food service': ['food safety', 'food handling'], hospitality: [], security: [],
    driving: ["driver's license", 'cdl', 'commercial driving'], construction: [], electrical: ['electrician'], plumbing: [],
    mechanical: ['mechanic'], 'mechanical engineering': [], 'electrical engineering': [], 'civil engineering': [], autocad: ['cad'],
  },
  soft: {
    communication: ['communication skills'], leadership: ['team leadership'], teamwork: ['team player'], 'problem solving': [],
    'time management': [], 'presentation skills': ['presentations', 'public speaking'], 'stakeholder management': [],
    'microsoft office': ['ms office', 'word', 'powerpoint', 'outlook'], english: [], spanish: ['bilingual spanish'], french: [], german: [],
    mandarin: ['chinese'], teaching: ['tutoring'], 'legal research': ['litigation', 'paralegal'], writing: ['copywriting', 'technical writing'],
  },
};
