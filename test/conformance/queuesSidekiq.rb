# Sidekiq's side of the queue conformance test, with Debian's ruby-sidekiq.
#
# Required by a real `sidekiq` process (`sidekiq -r ./queuesSidekiq.rb`), it
# defines the job classes that process runs. Run as a script, it drives
# Sidekiq's own API against REDIS_URL and prints one JSON line:
#
#   ruby queuesSidekiq.rb version
#   ruby queuesSidekiq.rb push '[{"queue": "mail", "class": "Noop", "n": 3}]'
#   ruby queuesSidekiq.rb schedule '[{"queue": "mail", "class": "Noop", "in": 3600}]'
#   ruby queuesSidekiq.rb kill '[{"queue": "mail", "class": "Noop"}]'     (DeadSet#kill)
#   ruby queuesSidekiq.rb counts '["mail", "work"]'                       (Sidekiq's own figures)
require "json"
require "sidekiq"
require "sidekiq/api"

# Holds a thread busy until the test sets the release key (or a minute passes).
class Hold
  include Sidekiq::Worker
  sidekiq_options retry: false

  def perform(release_key)
    deadline = Time.now + 60
    sleep 0.1 until Time.now > deadline || Sidekiq.redis { |c| c.exists?(release_key) }
  end
end

# Fails once and waits in the retry set for an hour: long enough that the
# retry poller does not take it back during the test.
class Boom
  include Sidekiq::Worker
  sidekiq_options retry: 3
  sidekiq_retry_in { |_count, _exception| 3600 }

  def perform(*)
    raise "boom"
  end
end

# Fails with no retries left: Sidekiq moves it straight to the dead set.
class Doomed
  include Sidekiq::Worker
  sidekiq_options retry: 0

  def perform(*)
    raise "doomed"
  end
end

class Noop
  include Sidekiq::Worker

  def perform(*); end
end

def counts(queues)
  stats = Sidekiq::Stats.new
  work = Sidekiq::Workers.new.to_a
  retries = Sidekiq::RetrySet.new.to_a
  dead = Sidekiq::DeadSet.new.to_a
  scheduled = Sidekiq::ScheduledSet.new.to_a
  {
    version: Sidekiq::VERSION,
    queues: queues.to_h { |q|
      [q, {
        enqueued: Sidekiq::Queue.new(q).size,
        busy: work.count { |_process, _thread, w| w["queue"] == q },
        scheduled: scheduled.count { |j| j.queue == q },
        retry: retries.count { |j| j.queue == q },
        dead: dead.count { |j| j.queue == q },
      }]
    },
    totals: {
      enqueued: stats.enqueued,
      busy: Sidekiq::Workers.new.size,
      scheduled: Sidekiq::ScheduledSet.new.size,
      retry: Sidekiq::RetrySet.new.size,
      dead: Sidekiq::DeadSet.new.size,
      stats_scheduled: stats.scheduled_size,
      stats_retry: stats.retry_size,
      stats_dead: stats.dead_size,
      stats_busy: stats.workers_size,
    },
  }
end

def klass(name)
  {"Hold" => Hold, "Boom" => Boom, "Doomed" => Doomed, "Noop" => Noop}.fetch(name)
end

if $PROGRAM_NAME == __FILE__
  cmd, arg = ARGV
  out =
    case cmd
    when "version"
      {version: Sidekiq::VERSION}
    when "push"
      jids = JSON.parse(arg).flat_map { |spec|
        (spec["n"] || 1).times.map { Sidekiq::Client.push("class" => klass(spec["class"]), "queue" => spec["queue"], "args" => spec["args"] || []) }
      }
      {jids: jids}
    when "schedule"
      jids = JSON.parse(arg).flat_map { |spec|
        (spec["n"] || 1).times.map { Sidekiq::Client.push("class" => klass(spec["class"]), "queue" => spec["queue"], "args" => [], "at" => Time.now.to_f + spec["in"]) }
      }
      {jids: jids}
    when "kill"
      dead = Sidekiq::DeadSet.new
      JSON.parse(arg).each do |spec|
        (spec["n"] || 1).times do
          job = {"class" => spec["class"], "queue" => spec["queue"], "args" => [], "jid" => SecureRandom.hex(12),
                 "created_at" => Time.now.to_f, "enqueued_at" => Time.now.to_f, "error_message" => "gave up", "error_class" => "RuntimeError"}
          dead.kill(Sidekiq.dump_json(job), notify_failure: false)
        end
      end
      {dead: dead.size}
    when "counts"
      counts(JSON.parse(arg))
    else
      abort "unknown command #{cmd}"
    end
  puts JSON.generate(out)
end
