package io.vgpufleet.agent.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.discovery.SysfsNames;
import io.vgpufleet.agent.discovery.SysfsText;
import io.vgpufleet.contracts.Checks;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Writes a real sysfs. Each write opens an existing attribute for writing (never creates a file), as
 * {@code echo value > attribute} does, and turns the kernel's answer (the {@code strerror} text Java
 * reports) back into its errno name.
 */
public final class SysfsHostWriter implements HostWriter {

    private static final Map<String, String> ERRNO_BY_REASON = Map.of(
            "Invalid argument", KernelError.EINVAL,
            "File exists", KernelError.EEXIST,
            "No such device", KernelError.ENODEV,
            "Too many users", KernelError.EUSERS,
            "Device or resource busy", KernelError.EBUSY,
            "No such file or directory", KernelError.ENOENT);

    private final Path root;

    public SysfsHostWriter(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void createMdev(String parentBdf, String typeId, String uuid) throws KernelError {
        checked(parentBdf, SysfsNames::isPciBdf, "parent");
        checked(typeId, SysfsNames::isMdevTypeId, "type");
        checked(uuid, SysfsNames::isUuid, "uuid");
        write(root.resolve("class/mdev_bus").resolve(parentBdf).resolve("mdev_supported_types").resolve(typeId)
                .resolve("create"), uuid);
    }

    @Override
    public void removeMdev(String uuid) throws KernelError {
        checked(uuid, SysfsNames::isUuid, "uuid");
        write(root.resolve("bus/mdev/devices").resolve(uuid).resolve("remove"), "1");
    }

    @Override
    public void assignVirtualFunction(String virtualFunctionBdf, String typeId, String vgpuUuid) throws KernelError {
        checked(typeId, SysfsNames::isNumericTypeId, "type");
        write(vfNvidia(virtualFunctionBdf).resolve("current_vgpu_type"), typeId);
    }

    @Override
    public void clearVirtualFunction(String virtualFunctionBdf) throws KernelError {
        write(vfNvidia(virtualFunctionBdf).resolve("current_vgpu_type"), "0");
    }

    @Override
    public void writeMdevParams(String uuid, Map<String, String> params) throws KernelError {
        checked(uuid, SysfsNames::isUuid, "uuid");
        write(root.resolve("bus/mdev/devices").resolve(uuid).resolve("nvidia/vgpu_params"),
                SysfsText.formatVgpuParams(params));
    }

    @Override
    public void writeVirtualFunctionParams(String virtualFunctionBdf, Map<String, String> params) throws KernelError {
        write(vfNvidia(virtualFunctionBdf).resolve("vgpu_params"), SysfsText.formatVgpuParams(params));
    }

    @Override
    public void writeMigrationVersion(String parentBdf, String typeId, String migrationVersion) throws KernelError {
        checked(parentBdf, SysfsNames::isPciBdf, "parent");
        checked(typeId, SysfsNames::isMdevTypeId, "type");
        checked(migrationVersion, version -> !version.isEmpty() && version.length() <= 4096
                && version.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "migration_version");
        write(root.resolve("class/mdev_bus").resolve(parentBdf).resolve("mdev_supported_types").resolve(typeId)
                .resolve("migration_version"), migrationVersion);
    }

    private Path vfNvidia(String virtualFunctionBdf) throws KernelError {
        checked(virtualFunctionBdf, SysfsNames::isPciBdf, "virtual function");
        return root.resolve("bus/pci/devices").resolve(virtualFunctionBdf).resolve("nvidia");
    }

    private void write(Path attribute, String value) throws KernelError {
        try {
            if (!attribute.toRealPath().startsWith(root.toRealPath())) {
                throw new KernelError(KernelError.EINVAL, "refusing to write outside the sysfs root");
            }
            Files.write(attribute, value.getBytes(UTF_8), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (NoSuchFileException e) {
            throw new KernelError(KernelError.ENOENT, root.relativize(attribute) + " does not exist");
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? "" : e.getReason();
            throw new KernelError(ERRNO_BY_REASON.getOrDefault(reason, KernelError.EIO),
                    "writing " + root.relativize(attribute) + ": " + (reason.isEmpty() ? "I/O error" : reason));
        } catch (IOException e) {
            throw new KernelError(KernelError.EIO, "writing " + root.relativize(attribute) + ": " + e.getMessage());
        }
    }

    private static void checked(String value, Predicate<String> shape, String what) throws KernelError {
        if (!shape.test(value)) {
            throw new KernelError(KernelError.EINVAL, what + " '" + Checks.printable(value) + "' is malformed");
        }
    }
}
