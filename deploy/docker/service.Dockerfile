# One image per central service, from the jar the build made (mvn -B -DskipTests package first).
# Build context: the repository root.  docker build -f deploy/docker/service.Dockerfile --build-arg MODULE=inventory-service .
FROM eclipse-temurin:17-jre
ARG MODULE
ARG VERSION=0.1.0-SNAPSHOT
RUN groupadd --system vgpu && useradd --system --gid vgpu --home-dir /var/lib/vgpu --create-home vgpu
COPY ${MODULE}/target/${MODULE}-${VERSION}.jar /opt/vgpu-fleet/service.jar
USER vgpu
WORKDIR /var/lib/vgpu
# Spring Boot properties come from the environment (SPRING_KAFKA_BOOTSTRAP_SERVERS, SERVER_PORT, ...)
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/opt/vgpu-fleet/service.jar"]
