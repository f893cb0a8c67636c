# The node agent as an image, for simulated hosts (docker-compose's fleet) and tests. On a real hypervisor
# host the agent runs under systemd (deploy/systemd), not in a container: it writes the host's sysfs.
# Build context: the repository root.  docker build -f deploy/docker/node-agent.Dockerfile .
FROM eclipse-temurin:17-jre
ARG VERSION=0.1.0-SNAPSHOT
RUN groupadd --system vgpu-agent && useradd --system --gid vgpu-agent --home-dir /var/lib/vgpu-agent --create-home vgpu-agent
COPY node-agent/target/node-agent-${VERSION}.jar /opt/vgpu-fleet/node-agent.jar
USER vgpu-agent
WORKDIR /var/lib/vgpu-agent
# every option from the environment: VGPU_AGENT_HOST_ID, VGPU_AGENT_BOOTSTRAP_SERVERS, VGPU_AGENT_SIMULATE, ...
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 9100
ENTRYPOINT ["java", "-jar", "/opt/vgpu-fleet/node-agent.jar"]
