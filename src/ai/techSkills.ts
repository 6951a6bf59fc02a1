/** The skills the offline formatter recognises, grouped as the Skills section shows them. */
export const TECH_SKILLS: Readonly<Record<string, readonly string[]>> = {
  Languages: [
    'Python', 'JavaScript', 'TypeScript', 'Java', 'Kotlin', 'Swift', 'Go', 'Rust', 'C', 'C++', 'C#', 'PHP',
    'Ruby', 'Scala', 'R', 'SQL', 'Bash', 'Dart', 'Elixir', 'HTML', 'CSS',
  ],
  'Frameworks & Libraries': [
    'Django', 'Flask', 'FastAPI', 'React', 'Angular', 'Vue', 'Svelte', 'Next.js', 'Node.js', 'Express', 'NestJS',
    'Spring', 'Spring Boot', '.NET', 'Rails', 'Laravel', 'Flutter', 'React Native', 'TensorFlow', 'PyTorch',
    'Pandas', 'NumPy', 'scikit-learn', 'GraphQL', 'REST', 'Tailwind',
  ],
  'Data & Messaging': [
    'PostgreSQL', 'MySQL', 'SQLite', 'MongoDB', 'Redis', 'Elasticsearch', 'Kafka', 'RabbitMQ', 'Cassandra',
    'DynamoDB', 'Snowflake', 'Spark', 'Hadoop', 'Airflow',
  ],
  'Cloud & DevOps': [
    'AWS', 'Azure', 'GCP', 'Google Cloud', 'Docker', 'Kubernetes', 'Terraform', 'Ansible', 'Jenkins',
    'GitHub Actions', 'GitLab CI', 'CI/CD', 'Linux', 'Nginx', 'Git', 'Microservices',
  ],
  'Practices & Tools': ['Agile', 'Scrum', 'TDD', 'Jira', 'Figma', 'Excel', 'Tableau', 'Power BI', 'Machine Learning'],
};

/** Names that only count as skills when written exactly so (as common words they mean something else). */
export const CASE_SENSITIVE_SKILLS: ReadonlySet<string> = new Set(['C', 'R', 'Go', 'Spring', 'Express', 'Rails', 'REST', 'Git', 'Excel']);
