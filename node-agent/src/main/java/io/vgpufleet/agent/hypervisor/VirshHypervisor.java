package io.vgpufleet.agent.hypervisor;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.discovery.SysfsNames;
import io.vgpufleet.contracts.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * libvirt through {@code virsh}, one process per call, with an argument list ({@link ProcessBuilder},
 * never a shell), every argument validated first:
 *
 * <pre>
 * virsh -c qemu:///system list --all --name
 * virsh -c qemu:///system list --name                      (the running ones)
 * virsh -c qemu:///system list --state-paused --name         (the paused ones)
 * virsh -c qemu:///system dumpxml DOMAIN
 * virsh -c qemu:///system suspend DOMAIN
 * virsh -c qemu:///system resume DOMAIN
 * virsh -c qemu:///system migrate --live --persistent --undefinesource DOMAIN qemu+ssh://TARGET/system
 * </pre>
 *
 * The target host id is used as the SSH host name of {@code qemu+ssh://} (the fleet names hosts by
 * their resolvable names; {@code HostId}'s shape allows no user, port or path part). The vGPU on the
 * target must already be defined there under the same mdev UUID as the source, as libvirt migrates the
 * domain definition unchanged: {@code MigrateVm} refuses a different target UUID on this
 * implementation rather than rewrite the XML behind the operator's back.
 */
public final class VirshHypervisor implements HypervisorPort {

    /** libvirt domain names the agent passes on: no leading dash (never an option), no separators. */
    private static final Pattern DOMAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:+-]{0,127}");
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MIGRATE_TIMEOUT = Duration.ofMinutes(30);

    private final String virsh;
    private final String connection;

    /** @param virsh the {@code virsh} executable, e.g. {@code /usr/bin/virsh} */
    public VirshHypervisor(String virsh, String connection) {
        this.virsh = virsh;
        this.connection = connection;
    }

    public static boolean isDomainName(String name) {
        return DOMAIN_NAME.matcher(name).matches();
    }

    @Override
    public List<Domain> domains() throws HypervisorException {
        Set<String> running = Set.copyOf(names(run(LIST_TIMEOUT, "list", "--name")));
        Set<String> paused = Set.copyOf(names(run(LIST_TIMEOUT, "list", "--state-paused", "--name")));
        List<Domain> domains = new ArrayList<>();
        for (String name : names(run(LIST_TIMEOUT, "list", "--all", "--name"))) {
            Domain domain = DomainXml.parse(run(LIST_TIMEOUT, "dumpxml", name), running.contains(name));
            domains.add(new Domain(domain.name(), domain.active(), domain.mdevUuids(), domain.pciHostdevs(),
                    paused.contains(name)));
        }
        return domains;
    }

    @Override
    public void suspend(String domain) throws HypervisorException {
        checkDomain(domain);
        run(LIST_TIMEOUT, "suspend", domain);
    }

    @Override
    public void resume(String domain) throws HypervisorException {
        checkDomain(domain);
        run(LIST_TIMEOUT, "resume", domain);
    }

    @Override
    public void migrateLive(String domain, String targetHostId, String sourceVgpuUuid, String targetVgpuUuid)
            throws HypervisorException {
        checkDomain(domain);
        try {
            Checks.validHostId(targetHostId, "targetHostId");
        } catch (IllegalArgumentException e) {
            throw new HypervisorException(e.getMessage());
        }
        if (!SysfsNames.isUuid(sourceVgpuUuid) || !sourceVgpuUuid.equals(targetVgpuUuid)) {
            throw new HypervisorException("libvirt migrates the domain's mdev UUID unchanged: the target vGPU must be "
                    + "created under the source's UUID " + Checks.printable(sourceVgpuUuid));
        }
        run(MIGRATE_TIMEOUT, "migrate", "--live", "--persistent", "--undefinesource", domain,
                "qemu+ssh://" + targetHostId + "/system");
    }

    /**
     * Starts {@code virsh event --all --loop}: a long-lived process that prints a line for every domain
     * event libvirt sends (lifecycle, device added or removed, reboot, ...) until it is destroyed or
     * libvirt goes away. {@link WatchedDomains} reads it to know when its list of domains is out of date.
     */
    Process watchEvents() throws HypervisorException {
        try {
            return new ProcessBuilder(virsh, "-c", connection, "event", "--all", "--loop")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new HypervisorException("cannot run " + virsh + ": " + e.getMessage(), e);
        }
    }

    /** The names {@code virsh list --name} prints, one a line; a name of another shape is skipped. */
    static List<String> names(String output) {
        return output.lines().map(String::strip).filter(line -> !line.isEmpty()).filter(VirshHypervisor::isDomainName)
                .toList();
    }

    private static void checkDomain(String domain) throws HypervisorException {
        if (!isDomainName(domain)) {
            throw new HypervisorException("'" + Checks.printable(domain) + "' is not a domain name the agent passes to virsh");
        }
    }

    private String run(Duration timeout, String... args) throws HypervisorException {
        for (String arg : args) {
            if (arg.indexOf('\0') >= 0 || arg.indexOf('\n') >= 0) {
                throw new HypervisorException("refusing an argument with a control character");
            }
        }
        List<String> command = new ArrayList<>(List.of(virsh, "-c", connection));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new HypervisorException("cannot run " + virsh + ": " + e.getMessage(), e);
        }
        try (InputStream out = process.getInputStream()) {
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readNBytes(4 * 1024 * 1024);
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new HypervisorException("virsh " + args[0] + " did not finish within " + timeout);
            }
            String text = new String(output.get(5, TimeUnit.SECONDS), UTF_8);
            if (process.exitValue() != 0) {
                throw new HypervisorException("virsh " + args[0] + " failed (" + process.exitValue() + "): "
                        + Checks.printable(text.strip(), 500));
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new HypervisorException("interrupted waiting for virsh " + args[0], e);
        } catch (IOException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new HypervisorException("virsh " + args[0] + ": " + e.getMessage(), e);
        }
    }
}
