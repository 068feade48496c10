# syntax=docker/dockerfile:1
# Hearth image: build the single executable with Bun, then run it from a root filesystem that holds
# only what it needs (the binary, glibc, bubblewrap, setpriv, prlimit, CA certificates): no shell,
# no package manager, no apt lists or docs.

FROM oven/bun:1.4.5 AS build
WORKDIR /src
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile
COPY tsconfig.json bunfig.toml ./
COPY src ./src
COPY views ./views
COPY migrations ./migrations
COPY public ./public
COPY types ./types
RUN bun run build && ./dist/hearth version

# Gathers the run-time root filesystem in /out, copying each program's shared libraries as ldd
# lists them (merged /usr: /lib, /lib64 and /bin are symlinks, as the sandbox expects). The chroot
# checks prove the libraries resolve (not hearth itself: Bun needs /proc, which a chroot lacks).
FROM debian:bookworm-slim AS rootfs
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap ca-certificates util-linux \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/dist/hearth /usr/local/bin/hearth
RUN set -eu; \
  progs="/usr/local/bin/hearth /usr/bin/bwrap /usr/bin/setpriv /usr/bin/prlimit"; \
  mkdir -p /out/usr/bin /out/usr/local/bin /out/usr/lib/x86_64-linux-gnu /out/usr/lib64 /out/etc/ssl/certs /out/tmp /out/data; \
  for d in bin lib lib64 sbin; do ln -s "usr/$d" "/out/$d"; done; \
  ln -s bin /out/usr/sbin; \
  for p in $progs; do cp -p "$p" "/out$p"; done; \
  for lib in $(ldd $progs | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do \
    cp -L "$lib" "/out/usr/lib/x86_64-linux-gnu/$(basename "$lib")"; \
  done; \
  cp -L /lib64/ld-linux-x86-64.so.2 /out/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2; \
  ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 /out/usr/lib64/ld-linux-x86-64.so.2; \
  cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/; \
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nhearth:x:10001:10001:hearth:/data:/usr/sbin/nologin\n' > /out/etc/passwd; \
  printf 'root:x:0:\nhearth:x:10001:\n' > /out/etc/group; \
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > /out/etc/nsswitch.conf; \
  chmod 1777 /out/tmp; chown 10001:10001 /out/data; chmod 0700 /out/data; \
  ldconfig -r /out; \
  chroot /out /usr/bin/bwrap --version; chroot /out /usr/bin/prlimit --version

FROM scratch
COPY --from=rootfs /out/ /
USER 10001:10001
WORKDIR /data
VOLUME /data
EXPOSE 8080
# Configuration is HEARTH_* env and flags only; these two make a container reachable and keep data on the volume.
ENV PATH=/usr/local/bin:/usr/bin HOME=/data HEARTH_HOST=0.0.0.0 HEARTH_DATA=/data
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 CMD ["/usr/local/bin/hearth", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/hearth"]
CMD ["serve"]
